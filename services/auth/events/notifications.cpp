#include "events/notifications.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/ids.hpp"

namespace agora::auth_service {
namespace {

messaging::Message notification(std::string_view type, const boost::json::object& payload) {
    messaging::Message m;
    m.event_id = ids::event_id();
    m.event_type = std::string(type);
    m.destination = std::string(type);  // the routing key on the notifications exchange
    m.payload = boost::json::serialize(payload);
    return m;
}

}  // namespace

messaging::Message send_verification(std::string_view email, std::string_view code) {
    return notification(kSendVerification, {{"email", email}, {"token", code}});
}

messaging::Message account_verified(std::string_view email) {
    return notification(kAccountVerified, {{"email", email}});
}

}  // namespace agora::auth_service
