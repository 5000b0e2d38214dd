#include "config/schema_validator.hpp"

#include "orders/sdk/config_schema.hpp"

// The validator itself is the SDK's (orders/sdk/config_schema.hpp), so a
// plugin's test harness checks configs exactly as the host does; this
// wrapper keeps valijson out of the host's headers.
namespace orders::host::config {

SchemaValidator::~SchemaValidator() = default;

sdk::Result<std::shared_ptr<const SchemaValidator>> SchemaValidator::compile(const Json::Value &schema) {
  auto compiled = sdk::schema::Validator::compile(schema);
  if (!compiled.ok()) return compiled.error();
  std::shared_ptr<SchemaValidator> v(new SchemaValidator());
  v->impl_ = std::move(compiled).value();
  return std::shared_ptr<const SchemaValidator>(std::move(v));
}

std::vector<Violation> SchemaValidator::validate(const Json::Value &document) const {
  std::vector<Violation> out;
  for (const sdk::schema::Violation &v : impl_->validate(document))
    out.push_back(Violation{v.pointer, v.message});
  return out;
}

void SchemaValidator::applyDefaults(Json::Value &document) const { impl_->applyDefaults(document); }

const Json::Value &SchemaValidator::schema() const { return impl_->schema(); }

std::string formatViolations(const std::string &prefix, const std::vector<Violation> &violations) {
  std::vector<sdk::schema::Violation> same;
  for (const Violation &v : violations)
    same.push_back(sdk::schema::Violation{v.pointer, v.message});
  return sdk::schema::formatViolations(prefix, same);
}

} // namespace orders::host::config
