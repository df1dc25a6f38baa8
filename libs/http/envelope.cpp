#include "http/envelope.hpp"

#include <boost/json/serialize.hpp>

#include "core/scope.hpp"

namespace agora::http {
namespace {

constexpr std::string_view kJsonType = "application/json; charset=utf-8";

std::string envelope(std::string_view msg, const JsonText* data, const Paging* paging,
                     const std::vector<FieldError>* errors) {
    // Written part by part, the data as it came: an envelope object would take a copy of the data, which
    // for a page of 25 products was a tenth of the instructions of answering it.
    std::string out = R"({"message":)";
    append_json_string(out, msg);
    if (data) {
        out += R"(,"data":)";
        out += data->text;
    }
    if (paging) {
        out += R"(,"paging":)";
        out += boost::json::serialize(boost::json::object{{"page", paging->page},
                                                          {"size", paging->size},
                                                          {"total_item", paging->total_item},
                                                          {"total_page", paging->total_page},
                                                          {"links", paging->links}});
    }
    if (errors && !errors->empty()) {
        boost::json::array a;
        for (const auto& e : *errors) a.push_back(boost::json::object{{"field", e.field}, {"message", e.message}});
        out += R"(,"errors":)";
        out += boost::json::serialize(a);
    }
    out += '}';
    return out;
}

}  // namespace

Response json_response(int status, std::string body) {
    Response res{static_cast<beast_http::status>(status), 11};
    res.set(Field::content_type, kJsonType);
    res.body() = std::move(body);
    return res;
}

Response ok(const JsonText& data) { return json_response(200, envelope("success", &data, nullptr, nullptr)); }

Response ok(const JsonText& data, const Paging& paging) {
    return json_response(200, envelope("success", &data, &paging, nullptr));
}

Response created(const JsonText& data) { return json_response(201, envelope("success", &data, nullptr, nullptr)); }

Response ok(const boost::json::value& data) { return ok(JsonText{boost::json::serialize(data)}); }

Response ok(const boost::json::value& data, const Paging& paging) {
    return ok(JsonText{boost::json::serialize(data)}, paging);
}

Response created(const boost::json::value& data) { return created(JsonText{boost::json::serialize(data)}); }

Response message(std::string_view text) { return message(200, text); }

Response message(int status, std::string_view text) {
    return json_response(status, envelope(text, nullptr, nullptr, nullptr));
}

Response error(const Error& err) {
    // A 5xx keeps its cause (never shown to the client) for the server's one error line about it.
    if (http_status(err.kind) >= 500) {
        auto* scope = trace::current();
        if (scope != nullptr && scope->failure.empty()) {
            scope->failure = err.message.empty() ? std::string(kind_name(err.kind)) : err.message;
        }
    }
    auto res = json_response(http_status(err.kind), envelope(public_message(err), nullptr, nullptr, &err.fields));
    if (err.retry_after.count() > 0) res.set(Field::retry_after, std::to_string(err.retry_after.count()));
    return res;
}

}  // namespace agora::http
