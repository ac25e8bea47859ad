# Build: docker build -t sentinel .
# Run:   docker run -p 8000:8000 -p 8001:8001 -e SENTINEL_HTTP_HOST=0.0.0.0 -e SENTINEL_ADMIN_KEY=<secret> \
#          -e SENTINEL_REDIS_URL=redis://redis:6379 sentinel
# (beyond loopback the API needs API keys: SENTINEL_ADMIN_KEY, then POST /admin/api-keys)
# Without SENTINEL_REDIS_URL the container starts the embedded Redis with its AOF in /data
# (mount a volume there); that is for trying Sentinel out, not for production.
# A whole cluster (Redis, API, workers, Prometheus, Grafana): deploy/compose/docker-compose.yml.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# the dependencies first, in a layer of their own that a source change does not invalidate
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
# everything the build reads: the context is the repository minus .dockerignore's list of what
# the build does not read (DockerContextIT builds the jar from exactly that and starts it)
COPY . .
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 sentinel && mkdir /data && chown sentinel /data
COPY --from=build /src/target/sentinel.jar /opt/sentinel/sentinel.jar
USER 10001
WORKDIR /opt/sentinel
ENV SENTINEL_DATA_DIR=/data \
    SENTINEL_HTTP_HOST=0.0.0.0 \
    SENTINEL_METRICS_HOST=0.0.0.0
# 8000: the API (on nodes with the api role); 8001: /metrics and /health on every node
EXPOSE 8000 8001
# bash's /dev/tcp: the JRE image has no curl, and starting a JVM per probe would cost more than the probe
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${SENTINEL_METRICS_PORT:-8001} && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '"]
# exec form: the JVM is PID 1 and receives SIGTERM, so workers drain and hand their tasks back
# on stop (give the container worker.drain_ms plus a few seconds: docker stop -t 15).
# Heap from the container's memory limit; more flags through JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/sentinel/sentinel.jar"]
