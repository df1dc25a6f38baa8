#include "mail/domain/notification.hpp"

#include <boost/json.hpp>

#include <cctype>
#include <cstdio>
#include <limits>
#include <optional>
#include <vector>

namespace agora::mail {
namespace {

namespace json = boost::json;

// Reads the fields of one payload object, noting every problem so one error names them all.
class FieldReader {
public:
    explicit FieldReader(const json::object& object) : object_(object) {}

    std::string email(std::string_view name) {
        auto text = string(name);
        if (text && !is_email_address(*text)) problem(name, "must be an email address");
        return text.value_or("");
    }

    std::string code(std::string_view name) {
        auto text = string(name);
        if (text && !is_six_digits(*text)) problem(name, "must be a 6-digit code");
        return text.value_or("");
    }

    std::int64_t positive_integer(std::string_view name) {
        const json::value* v = find(name);
        if (!v) return 0;
        std::int64_t n = 0;
        if (v->is_int64()) {
            n = v->get_int64();
        } else if (v->is_uint64() && v->get_uint64() <= std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
            n = static_cast<std::int64_t>(v->get_uint64());
        } else {
            problem(name, "must be an integer");
            return 0;
        }
        if (n <= 0) problem(name, "must be a positive integer");
        return n;
    }

    // A decimal sent as text ("150.00") or, as the original platform did, as a JSON number.
    std::string amount(std::string_view name) {
        const json::value* v = find(name);
        if (!v) return "";
        if (v->is_string()) {
            std::string text(v->get_string());
            if (!is_decimal(text)) problem(name, "must be a decimal amount");
            return text;
        }
        if (v->is_int64()) return std::to_string(v->get_int64()) + ".00";
        if (v->is_uint64()) return std::to_string(v->get_uint64()) + ".00";
        if (v->is_double()) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.2f", v->get_double());
            return buf;
        }
        problem(name, "must be a decimal amount");
        return "";
    }

    // A string that may be missing, null or empty (an order without a description).
    std::string optional_text(std::string_view name) {
        const json::value* v = object_.if_contains(name);
        if (!v || v->is_null()) return "";
        if (!v->is_string()) {
            problem(name, "must be a string");
            return "";
        }
        return std::string(v->get_string());
    }

    std::string required_text(std::string_view name) {
        auto text = string(name);
        if (text && text->empty()) problem(name, "must not be empty");
        return text.value_or("");
    }

    Result<void> check() const {
        if (problems_.empty()) return {};
        return fail(Error::validation(problems_));
    }

private:
    const json::value* find(std::string_view name) {
        const json::value* v = object_.if_contains(name);
        if (!v) problem(name, "is required");
        return v;
    }

    std::optional<std::string> string(std::string_view name) {
        const json::value* v = find(name);
        if (!v) return std::nullopt;
        if (!v->is_string()) {
            problem(name, "must be a string");
            return std::nullopt;
        }
        return std::string(v->get_string());
    }

    void problem(std::string_view name, std::string message) {
        problems_.push_back(FieldError{std::string(name), std::move(message)});
    }

    static bool is_email_address(std::string_view s) {
        if (s.size() > 254) return false;
        auto at = s.find('@');
        if (at == 0 || at == std::string_view::npos || at + 1 == s.size() || s.find('@', at + 1) != s.npos) {
            return false;
        }
        for (unsigned char c : s) {
            // Control characters and these would let an address break out of a mail header.
            if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"') return false;
        }
        return true;
    }

    static bool is_six_digits(std::string_view s) {
        if (s.size() != 6) return false;
        for (unsigned char c : s) {
            if (!std::isdigit(c)) return false;
        }
        return true;
    }

    static bool is_decimal(std::string_view s) {
        if (!s.empty() && s.front() == '-') s.remove_prefix(1);
        auto dot = s.find('.');
        auto whole = s.substr(0, dot);
        auto fraction = dot == s.npos ? std::string_view{} : s.substr(dot + 1);
        auto digits = [](std::string_view part) {
            if (part.empty() || part.size() > 20) return false;
            for (unsigned char c : part) {
                if (!std::isdigit(c)) return false;
            }
            return true;
        };
        return digits(whole) && (dot == s.npos || digits(fraction));
    }

    const json::object& object_;
    std::vector<FieldError> problems_;
};

OrderSummary read_order(FieldReader& fields) {
    OrderSummary order;
    order.order_id = OrderId{fields.positive_integer("order_id")};
    order.user_id = UserId{fields.positive_integer("user_id")};
    order.email = fields.email("email");
    order.total_amount = fields.amount("total_amount");
    order.description = fields.optional_text("description");
    return order;
}

template <class T>
Result<Notification> checked(const FieldReader& fields, T notification) {
    if (auto ok = fields.check(); !ok) return fail(ok.error());
    return Notification{std::move(notification)};
}

}  // namespace

Result<Notification> parse_notification(std::string_view key, std::string_view payload) {
    boost::system::error_code ec;
    json::value value = json::parse(json::string_view(payload.data(), payload.size()), ec);
    if (ec) return fail(ErrorKind::kMalformedJson, "payload is not valid JSON: " + ec.message());
    if (!value.is_object()) return fail(ErrorKind::kMalformedJson, "payload is not a JSON object");
    FieldReader fields(value.get_object());

    if (key == routing_key::kVerification) {
        VerificationRequested n;
        n.email = fields.email("email");
        n.code = fields.code("token");
        return checked(fields, std::move(n));
    }
    if (key == routing_key::kAccountVerified) {
        return checked(fields, AccountVerified{fields.email("email")});
    }
    if (key == routing_key::kPaymentReminder) {
        PaymentReminder n;
        n.order = read_order(fields);
        n.due_date = fields.required_text("due_date");
        return checked(fields, std::move(n));
    }
    if (key == routing_key::kOrderSuccess) {
        return checked(fields, OrderSucceeded{read_order(fields)});
    }
    if (key == routing_key::kCancelNotification) {
        return checked(fields, OrderCancelled{read_order(fields)});
    }
    return fail(ErrorKind::kBadRequest, "unknown notification kind: " + std::string(key));
}

const std::string& recipient(const Notification& notification) {
    struct Visitor {
        const std::string& operator()(const VerificationRequested& n) const { return n.email; }
        const std::string& operator()(const AccountVerified& n) const { return n.email; }
        const std::string& operator()(const PaymentReminder& n) const { return n.order.email; }
        const std::string& operator()(const OrderSucceeded& n) const { return n.order.email; }
        const std::string& operator()(const OrderCancelled& n) const { return n.order.email; }
    };
    return std::visit(Visitor{}, notification);
}

}  // namespace agora::mail
