# Build: docker build -t sentinel .
# Run:   docker run -p 8000:8000 -e SENTINEL_HTTP_HOST=0.0.0.0 -e SENTINEL_ADMIN_KEY=<secret> \
#          -e SENTINEL_REDIS_URL=redis://redis:6379 sentinel
# (beyond loopback the API needs API keys: SENTINEL_ADMIN_KEY, then POST /admin/api-keys)
# Without SENTINEL_REDIS_URL the container starts the embedded Redis with its AOF in /data
# (mount a volume there); that is for trying Sentinel out, not for production.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY conf conf
COPY src src
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 sentinel && mkdir /data && chown sentinel /data
COPY --from=build /src/target/sentinel.jar /opt/sentinel/sentinel.jar
USER sentinel
WORKDIR /opt/sentinel
ENV SENTINEL_DATA_DIR=/data
EXPOSE 8000
# exec form: the JVM is PID 1 and receives SIGTERM, so workers hand their tasks back on stop
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/sentinel/sentinel.jar"]
