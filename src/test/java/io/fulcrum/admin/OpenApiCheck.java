package io.fulcrum.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Checks answers against src/main/resources/io/fulcrum/admin/openapi.json: the route, method and
 * status are documented, the content type is the documented one, and a JSON body matches its
 * schema (the subset the document uses: type, nullable, properties, required,
 * additionalProperties false, items, enum, $ref).
 */
final class OpenApiCheck {

    /** One answer as a client saw it. */
    record Seen(String method, String path, int code, String contentType, String body) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final JsonNode document;

    OpenApiCheck() throws IOException {
        document = MAPPER.readTree(OpenApi.document());
    }

    /** What is wrong with the answer, one line per finding; empty when it matches. */
    List<String> problems(Seen seen) throws IOException {
        List<String> problems = new ArrayList<>();
        String where = seen.method() + " " + seen.path() + " " + seen.code();
        JsonNode path = document.path("paths").path(seen.path());
        JsonNode operation = path.path(seen.method().toLowerCase(Locale.ROOT));
        if (operation.isMissingNode()) {
            // any other path is a 404, any other method a 405, both with a Problem (the document says so)
            if (seen.code() == (path.isMissingNode() ? 404 : 405)) {
                validate(MAPPER.readTree(seen.body()), document.path("components").path("schemas").path("Problem"),
                        where + " $", problems);
                return problems;
            }
            return List.of(where + ": no such operation in openapi.json");
        }
        JsonNode response = operation.path("responses").path(Integer.toString(seen.code()));
        if (response.isMissingNode()) {
            return List.of(where + ": status not documented");
        }
        String mediaType = seen.contentType().split(";")[0].strip();
        JsonNode content = response.path("content").path(mediaType);
        if (content.isMissingNode()) {
            return List.of(where + ": content type " + seen.contentType() + " not documented");
        }
        if (mediaType.equals("application/json")) {
            validate(MAPPER.readTree(seen.body()), content.path("schema"), where + " $", problems);
        }
        return problems;
    }

    private JsonNode resolve(JsonNode schema) {
        while (schema.has("$ref")) {
            String name = schema.get("$ref").asText().substring("#/components/schemas/".length());
            schema = document.path("components").path("schemas").path(name);
        }
        return schema;
    }

    private void validate(JsonNode value, JsonNode schema, String at, List<String> problems) {
        schema = resolve(schema);
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                problems.add(at + ": null, not nullable");
            }
            return;
        }
        String type = schema.path("type").asText("");
        boolean matches = switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
        if (!matches) {
            problems.add(at + ": expected " + type + ", got " + value.getNodeType());
            return;
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode allowed : schema.get("enum")) {
                listed |= allowed.equals(value);
            }
            if (!listed) {
                problems.add(at + ": " + value + " not in " + schema.get("enum"));
            }
        }
        if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                validate(value.get(i), schema.path("items"), at + "[" + i + "]", problems);
            }
        }
        if (value.isObject()) {
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asText())) {
                    problems.add(at + ": missing " + required.asText());
                }
            }
            for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                JsonNode property = schema.path("properties").path(name);
                if (property.isMissingNode()) {
                    if (!schema.path("additionalProperties").asBoolean(true)) {
                        problems.add(at + ": undocumented property " + name);
                    }
                } else {
                    validate(value.get(name), property, at + "." + name, problems);
                }
            }
        }
    }
}
