#include "mail/consumers/notification_queues.hpp"

namespace agora::mail {

amqp::Topology notification_topology() {
    return {"notifications",
            {{"verification", "send.verification"},
             {"verified", "account.verified"},
             {"reminder", "send.payment.reminder"},
             {"order-success", "send.order.success"},
             {"cancel-notification", "send.cancel.notification"}}};
}

}  // namespace agora::mail
