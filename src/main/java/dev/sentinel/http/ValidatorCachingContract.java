package dev.sentinel.http;

import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Path;
import io.vertx.openapi.contract.SecurityRequirement;
import io.vertx.openapi.contract.SecurityScheme;
import io.vertx.openapi.contract.Server;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The contract, with one schema validator per parameter and body schema built once instead of
 * per request. vertx-openapi 5.0.7 asks the schema repository for a new validator on every
 * validation, and each one copies the repository's whole lookup map: a profile of 64 clients
 * submitting tasks showed that copy as the largest CPU cost of POST /tasks. A validator keeps
 * no state between calls (its fields are final, a call's state is local), so one per schema
 * serves every request and thread. The map is filled before the router exists and only read
 * after, so it needs no lock; a schema it does not hold gets a fresh validator as before.
 */
final class ValidatorCachingContract implements OpenAPIContract {

  private final OpenAPIContract contract;
  private final SchemaRepository repository;

  ValidatorCachingContract(OpenAPIContract contract) {
    this.contract = contract;
    SchemaRepository schemas = contract.getSchemaRepository();
    Map<JsonSchema, Validator> built = new IdentityHashMap<>();
    for (Operation op : contract.operations()) {
      for (Parameter p : op.getParameters()) built.computeIfAbsent(p.getSchema(), schemas::validator);
      if (op.getRequestBody() != null) {
        op.getRequestBody().getContent().values().forEach(m -> built.computeIfAbsent(m.getSchema(), schemas::validator));
      }
    }
    this.repository = new CachingRepository(schemas, built);
  }

  @Override public SchemaRepository getSchemaRepository() { return repository; }
  @Override public Operation operation(String operationId) { return contract.operation(operationId); }
  @Override public List<Operation> operations() { return contract.operations(); }
  @Override public List<Path> getPaths() { return contract.getPaths(); }
  @Override public JsonObject getRawContract() { return contract.getRawContract(); }
  @Override public OpenAPIVersion getVersion() { return contract.getVersion(); }
  @Override public List<Server> getServers() { return contract.getServers(); }
  @Override public Path findPath(String urlPath) { return contract.findPath(urlPath); }
  @Override public Operation findOperation(String urlPath, HttpMethod method) { return contract.findOperation(urlPath, method); }
  @Override public List<SecurityRequirement> getSecurityRequirements() { return contract.getSecurityRequirements(); }
  @Override public SecurityScheme securityScheme(String name) { return contract.securityScheme(name); }

  /** The contract's repository, answering validator(schema) from the validators built up front. */
  private record CachingRepository(SchemaRepository schemas, Map<JsonSchema, Validator> built) implements SchemaRepository {
    @Override public Validator validator(JsonSchema schema) {
      Validator v = built.get(schema);
      return v != null ? v : schemas.validator(schema);
    }
    @Override public SchemaRepository dereference(JsonSchema schema) { schemas.dereference(schema); return this; }
    @Override public SchemaRepository dereference(String uri, JsonSchema schema) { schemas.dereference(uri, schema); return this; }
    @Override public SchemaRepository preloadMetaSchema(FileSystem fs) { schemas.preloadMetaSchema(fs); return this; }
    @Override public SchemaRepository preloadMetaSchema(FileSystem fs, Draft draft) {
      schemas.preloadMetaSchema(fs, draft);
      return this;
    }
    @Override public Validator validator(String ref) { return schemas.validator(ref); }
    @Override public Validator validator(String ref, JsonSchemaOptions options) { return schemas.validator(ref, options); }
    @Override public Validator validator(JsonSchema schema, JsonSchemaOptions options, boolean dereference) {
      return schemas.validator(schema, options, dereference);
    }
    @Override public JsonObject resolve(JsonObject schema) { return schemas.resolve(schema); }
    @Override public JsonSchema find(String pointer) { return schemas.find(pointer); }
  }
}
