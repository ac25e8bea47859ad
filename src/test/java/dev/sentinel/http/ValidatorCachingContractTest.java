package dev.sentinel.http;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ValidatorCachingContractTest {

  final Vertx vertx = Vertx.vertx();

  @AfterEach void close() { vertx.close(); }

  @Test void everyOperationsSchemasGetOneValidatorForAllRequests() throws Exception {
    OpenAPIContract contract = ApiContract.fromClasspath().load(vertx).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    ValidatorCachingContract cached = new ValidatorCachingContract(contract);
    SchemaRepository repository = cached.getSchemaRepository();
    int schemas = 0;
    // the validator reads each schema from the operation as the router does, request after request
    for (Operation op : cached.operations()) {
      for (Parameter p : op.getParameters()) {
        assertThat(repository.validator(p.getSchema())).as(op.getOperationId() + " " + p.getName())
            .isSameAs(repository.validator(cached.operation(op.getOperationId()).getParameters().get(op.getParameters().indexOf(p)).getSchema()));
        schemas++;
      }
      if (op.getRequestBody() != null) {
        JsonSchema body = op.getRequestBody().getContent().get("application/json").getSchema();
        assertThat(repository.validator(body)).as(op.getOperationId() + " body").isSameAs(repository.validator(body));
        schemas++;
      }
    }
    assertThat(schemas).isGreaterThan(20);
    // the uncached repository builds a new one each time: the cost this class removes
    JsonSchema submit = contract.operation("submitTask").getRequestBody().getContent().get("application/json").getSchema();
    assertThat(contract.getSchemaRepository().validator(submit)).isNotSameAs(contract.getSchemaRepository().validator(submit));
    // and the cached one still validates
    assertThat(repository.validator(submit).validate(new JsonObject().put("tenant_id", "a")).getValid()).isFalse();
  }
}
