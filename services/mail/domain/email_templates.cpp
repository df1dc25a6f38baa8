#include "mail/domain/email_templates.hpp"

#include <kainjow/mustache.hpp>

#include <array>

#include "core/clock.hpp"
#include "mail/domain/embedded_templates.hpp"

namespace agora::mail {
namespace {

namespace mustache = kainjow::mustache;

// The template base name of each kind; "<name>.html" and "<name>.txt" are embedded.
constexpr std::array<std::string_view, 5> kTemplateNames = {
    "verification", "account_verified", "payment_reminder", "order_success", "order_cancelled",
};

struct Content {
    std::string_view template_name;
    std::string_view subject;
    mustache::data values;
};

mustache::data order_values(const OrderSummary& order) {
    mustache::data values;
    values.set("email", order.email);
    values.set("order_id", std::to_string(order.order_id.value));
    values.set("user_id", std::to_string(order.user_id.value));
    values.set("total_amount", order.total_amount);
    values.set("description", order.description);
    return values;
}

// "2025-02-10 22:24 UTC" for a time the order service sent, or the text as it came.
std::string readable_time(const std::string& text) {
    auto t = clock::parse(text);
    if (!t) return text;
    auto rfc = clock::format_rfc3339(*t);  // 2025-02-10T22:24:43.040231Z
    return rfc.substr(0, 10) + " " + rfc.substr(11, 5) + " UTC";
}

Content content_of(const Notification& notification) {
    struct Visitor {
        Content operator()(const VerificationRequested& n) const {
            mustache::data values;
            values.set("email", n.email);
            values.set("code", n.code);
            return {"verification", subject::kVerification, std::move(values)};
        }
        Content operator()(const AccountVerified& n) const {
            mustache::data values;
            values.set("email", n.email);
            return {"account_verified", subject::kAccountVerified, std::move(values)};
        }
        Content operator()(const PaymentReminder& n) const {
            auto values = order_values(n.order);
            values.set("due_date", readable_time(n.due_date));
            return {"payment_reminder", subject::kPaymentReminder, std::move(values)};
        }
        Content operator()(const OrderSucceeded& n) const {
            return {"order_success", subject::kOrderSuccess, order_values(n.order)};
        }
        Content operator()(const OrderCancelled& n) const {
            return {"order_cancelled", subject::kOrderCancelled, order_values(n.order)};
        }
    };
    return std::visit(Visitor{}, notification);
}

Result<mustache::mustache> load(const std::string& name) {
    auto text = embedded_template(name);
    if (!text) return fail(Error::internal("mail template missing: " + name));
    mustache::mustache tmpl{std::string(*text)};
    if (!tmpl.is_valid()) return fail(Error::internal("mail template " + name + ": " + tmpl.error_message()));
    return tmpl;
}

Result<std::string> render(mustache::mustache& tmpl, const std::string& name, const mustache::data& values) {
    std::string out = tmpl.render(values);
    if (!tmpl.is_valid()) return fail(Error::internal("mail template " + name + ": " + tmpl.error_message()));
    return out;
}

}  // namespace

Result<void> check_templates() {
    for (auto name : kTemplateNames) {
        for (const char* suffix : {".html", ".txt"}) {
            if (auto t = load(std::string(name) + suffix); !t) return fail(t.error());
        }
    }
    return {};
}

Result<Email> render_email(const Notification& notification, std::string_view from, std::string_view event_id) {
    Content content = content_of(notification);
    const std::string html_name = std::string(content.template_name) + ".html";
    const std::string text_name = std::string(content.template_name) + ".txt";

    // Templates are parsed per email: they are small, and a parsed template is not safe to share
    // between threads because rendering records its errors in it.
    auto html = AGORA_TRY(load(html_name));  // escapes values as HTML by default
    auto text = AGORA_TRY(load(text_name));
    text.set_custom_escape([](const std::string& s) { return s; });  // plain text: nothing to escape

    Email email;
    email.from = std::string(from);
    email.to = recipient(notification);
    email.subject = std::string(content.subject);
    email.html = AGORA_TRY(render(html, html_name, content.values));
    email.text = AGORA_TRY(render(text, text_name, content.values));
    email.event_id = std::string(event_id);
    return email;
}

}  // namespace agora::mail
