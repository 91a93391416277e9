//! The JSON Schema of `--format json` (schemas/clientlint.json) for the tests that validate
//! documents against it: as shipped, and closed (every object `additionalProperties:
//! false`), so a field clientlint writes but the schema does not document fails.

/// The shipped schema.
pub(crate) fn schema() -> serde_json::Value {
    let text = std::fs::read_to_string("schemas/clientlint.json").expect("schemas/clientlint.json");
    serde_json::from_str(&text).expect("the schema is JSON")
}

/// The schema with every object closed (`additionalProperties: false`): the shipped schema
/// lets consumers ignore fields a later version adds, but every field clientlint writes
/// today must be documented in it.
pub(crate) fn closed(mut schema: serde_json::Value) -> serde_json::Value {
    fn close(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                if map.contains_key("properties") {
                    map.insert("additionalProperties".into(), false.into());
                }
                for child in map.values_mut() {
                    close(child);
                }
            }
            serde_json::Value::Array(list) => {
                for child in list {
                    close(child);
                }
            }
            _ => {}
        }
    }
    close(&mut schema);
    schema
}

/// Validators for the shipped and the closed schema.
pub(crate) fn validators() -> [jsonschema::Validator; 2] {
    let schema = schema();
    [
        jsonschema::validator_for(&schema).expect("schema compiles"),
        jsonschema::validator_for(&closed(schema)).expect("closed schema compiles"),
    ]
}

/// Asserts that `doc` validates against every validator.
pub(crate) fn assert_valid(
    validators: &[jsonschema::Validator],
    doc: &serde_json::Value,
    what: &str,
) {
    for validator in validators {
        let errors: Vec<String> = validator
            .iter_errors(doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{what}: {errors:#?}");
    }
}
