#pragma once
// The queues the mail service consumes, one per notification, bound to the `notifications` exchange by
// the routing key its senders publish with (auth and order declare theirs alike, see their app.hpp):
//   verification          send.verification
//   verified              account.verified
//   reminder              send.payment.reminder
//   order-success         send.order.success
//   cancel-notification   send.cancel.notification
// A queue's name is the notification's kind in the metrics and in sent_emails.
#include "amqp/topology.hpp"

namespace agora::mail {

amqp::Topology notification_topology();

}  // namespace agora::mail
