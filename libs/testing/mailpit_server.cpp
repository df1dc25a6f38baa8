#include "testing/mailpit_server.hpp"

#include <curl/curl.h>

#include <boost/json.hpp>

#include <memory>
#include <stdexcept>
#include <strings.h>

namespace agora::testing {
namespace {

namespace json = boost::json;

std::string mailpit_binary() {
    auto program = find_program("mailpit", {(tools_bin() / "mailpit").string()});
    if (program.empty()) throw std::runtime_error("mailpit not found in tools_bin() or PATH");
    return program;
}

size_t collect(char* data, size_t size, size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

std::string text_of(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

MailpitAddress address_of(const json::value* v) {
    if (!v || !v->is_object()) return {};
    return MailpitAddress{text_of(v->get_object(), "Name"), text_of(v->get_object(), "Address")};
}

std::vector<MailpitAddress> addresses_of(const json::value* v) {
    std::vector<MailpitAddress> out;
    if (v && v->is_array()) {
        for (const auto& a : v->get_array()) out.push_back(address_of(&a));
    }
    return out;
}

}  // namespace

std::string MailpitMessage::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (key.size() == name.size() && ::strncasecmp(key.data(), name.data(), name.size()) == 0) return value;
    }
    return "";
}

MailpitServer::MailpitServer(std::vector<std::string> extra_args)
    : extra_args_(std::move(extra_args)), dir_("agora-mailpit"), smtp_port_(free_port()), http_port_(free_port()) {
    while (http_port_ == smtp_port_) http_port_ = free_port();
}

MailpitServer::~MailpitServer() { stop(); }

void MailpitServer::start() {
    std::vector<std::string> argv = {mailpit_binary(),
                                     "--smtp",
                                     "127.0.0.1:" + std::to_string(smtp_port_),
                                     "--listen",
                                     "127.0.0.1:" + std::to_string(http_port_),
                                     "--database",
                                     (dir_.path() / "mailpit.db").string(),
                                     "--disable-version-check"};
    argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
    process_.start(argv, dir_.path() / "mailpit.log");
    bool up = wait_until([this] { return !process_.running() || (port_open(smtp_port_) && port_open(http_port_)); },
                         std::chrono::seconds(20));
    if (!up || !process_.running()) {
        throw std::runtime_error("mailpit did not start; see " + (dir_.path() / "mailpit.log").string());
    }
}

void MailpitServer::stop() { process_.stop(std::chrono::seconds(5)); }

std::string MailpitServer::smtp_url() const { return "smtp://127.0.0.1:" + std::to_string(smtp_port_); }

std::string MailpitServer::api_url() const { return "http://127.0.0.1:" + std::to_string(http_port_); }

std::string MailpitServer::get(const std::string& path) const {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) throw std::runtime_error("curl_easy_init failed");
    std::string body;
    const std::string url = api_url() + path;
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
    CURLcode rc = curl_easy_perform(curl.get());
    long status = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK || status != 200) {
        throw std::runtime_error("GET " + url + " failed: " + curl_easy_strerror(rc) + " status " +
                                 std::to_string(status));
    }
    return body;
}

std::vector<MailpitSummary> MailpitServer::messages() const {
    auto doc = json::parse(get("/api/v1/messages?limit=1000"));
    std::vector<MailpitSummary> out;
    const json::value* list = doc.as_object().if_contains("messages");
    if (!list || !list->is_array()) return out;
    for (const auto& m : list->get_array()) {
        const auto& o = m.as_object();
        out.push_back(MailpitSummary{text_of(o, "ID"), text_of(o, "Subject"), addresses_of(o.if_contains("To"))});
    }
    return out;
}

MailpitMessage MailpitServer::message(const std::string& id) const {
    auto doc = json::parse(get("/api/v1/message/" + id));
    const auto& o = doc.as_object();
    MailpitMessage m;
    m.id = text_of(o, "ID");
    m.message_id = text_of(o, "MessageID");
    m.subject = text_of(o, "Subject");
    m.from = address_of(o.if_contains("From"));
    m.to = addresses_of(o.if_contains("To"));
    m.text = text_of(o, "Text");
    m.html = text_of(o, "HTML");
    auto headers = json::parse(get("/api/v1/message/" + id + "/headers"));
    for (const auto& [key, values] : headers.as_object()) {
        if (!values.is_array()) continue;
        for (const auto& v : values.get_array()) {
            if (v.is_string()) m.headers.emplace_back(std::string(key), std::string(v.get_string()));
        }
    }
    return m;
}

std::optional<MailpitMessage> MailpitServer::wait_for_message_to(const std::string& to,
                                                                 std::chrono::milliseconds deadline) const {
    std::string found;
    wait_until(
        [&] {
            for (const auto& m : messages()) {
                for (const auto& a : m.to) {
                    if (a.address == to) {
                        found = m.id;
                        return true;
                    }
                }
            }
            return false;
        },
        deadline);
    if (found.empty()) return std::nullopt;
    return message(found);
}

}  // namespace agora::testing
