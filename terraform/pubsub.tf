resource "google_pubsub_topic" "topic" {
  for_each = toset(local.topics)

  name   = each.key
  labels = var.labels

  depends_on = [google_project_service.enabled]
}

# DESIGN.md: "<topic>-dead-letter: Pub/Sub after 5 failed deliveries → an alerting subscription".
resource "google_pubsub_topic" "dead_letter" {
  for_each = toset(local.topics)

  name   = "${each.key}-dead-letter"
  labels = var.labels

  depends_on = [google_project_service.enabled]
}

# Nothing consumes these automatically: a message here is a case that a step could not handle. The alert
# policy below watches their backlog; an engineer reads, fixes and re-publishes the message by hand.
resource "google_pubsub_subscription" "dead_letter_alerts" {
  for_each = toset(local.topics)

  name                       = "${each.key}-dead-letter-alerts"
  topic                      = google_pubsub_topic.dead_letter[each.key].id
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s"
  labels                     = var.labels

  expiration_policy {
    ttl = ""
  }
}

# How Pub/Sub reaches the functions.
#
# A gen2 function with an event_trigger gets a push subscription created and owned by Eventarc. Dead
# lettering has to be configured on that subscription, but Terraform does not manage it (its name is
# only known after the trigger exists, and changing it out of band is drift that Eventarc may undo), and
# with RETRY_POLICY_RETRY a failing message is retried until it expires instead of going to a dead-letter
# topic. DESIGN.md asks for "<topic>-dead-letter: Pub/Sub after 5 failed deliveries", so instead of
# event_trigger each Pub/Sub function is deployed as an internal HTTP service and fed by an explicit push
# subscription below, with the dead-letter policy, retry backoff and OIDC identity in plain sight. This is
# also how the local stack wires the emulator to the functions, so production and `npm start` deliver the
# same way: the subscriptions' names and delivery settings (ack deadline, retry backoff, delivery attempts)
# come from the function table (main.tf), which dev/pubsub-topology.ts reads too.
#
# The push endpoint ends in /projects/<project>/topics/<topic>: the Functions Framework recognises a raw
# Pub/Sub push body on such a path and turns it into the google.cloud.pubsub.topic.v1.messagePublished
# CloudEvent that the handlers (registered with functions.cloudEvent) receive, exactly as with a trigger.
resource "google_pubsub_subscription" "function_push" {
  for_each = local.pubsub_functions

  name                 = each.value.subscription.name
  topic                = google_pubsub_topic.topic[each.value.topic].id
  ack_deadline_seconds = each.value.subscription.ack_deadline_seconds
  labels               = var.labels

  push_config {
    push_endpoint = "${google_cloudfunctions2_function.function[each.key].service_config[0].uri}/projects/${var.project_id}/topics/${each.value.topic}"

    oidc_token {
      service_account_email = google_service_account.pubsub_push.email
      audience              = google_cloudfunctions2_function.function[each.key].service_config[0].uri
    }
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter[each.value.topic].id
    max_delivery_attempts = each.value.subscription.max_delivery_attempts
  }

  retry_policy {
    minimum_backoff = "${each.value.subscription.minimum_backoff_seconds}s"
    maximum_backoff = "${each.value.subscription.maximum_backoff_seconds}s"
  }

  # Topics such as escalation-requested can be quiet for weeks; the default 31-day expiry would silently
  # delete the subscription and every later message would be lost.
  expiration_policy {
    ttl = ""
  }

  depends_on = [
    google_pubsub_topic_iam_member.dead_letter_publisher,
    google_cloud_run_v2_service_iam_member.pubsub_push_invoker,
  ]
}

# The dead-letter functions (alertDeadLetter: a card in the duty chat channel) get every message of every
# <topic>-dead-letter topic through a push subscription of their own, beside the pull subscription above
# that keeps the message for an engineer to re-publish. These have no dead-letter policy: a card that
# cannot be posted is retried, with the table's backoff, until the message expires.
resource "google_pubsub_subscription" "dead_letter_push" {
  for_each = local.dead_letter_subscriptions

  name                       = each.value.name
  topic                      = google_pubsub_topic.dead_letter[each.value.source_topic].id
  ack_deadline_seconds       = each.value.ack_deadline_seconds
  message_retention_duration = "604800s"
  labels                     = var.labels

  push_config {
    push_endpoint = "${google_cloudfunctions2_function.function[each.value.function].service_config[0].uri}/projects/${var.project_id}/topics/${each.value.topic}"

    oidc_token {
      service_account_email = google_service_account.pubsub_push.email
      audience              = google_cloudfunctions2_function.function[each.value.function].service_config[0].uri
    }
  }

  retry_policy {
    minimum_backoff = "${each.value.minimum_backoff_seconds}s"
    maximum_backoff = "${each.value.maximum_backoff_seconds}s"
  }

  expiration_policy {
    ttl = ""
  }

  depends_on = [google_cloud_run_v2_service_iam_member.pubsub_push_invoker_dead_letters]
}

resource "google_monitoring_notification_channel" "dead_letter_email" {
  count = var.alert_email == null ? 0 : 1

  display_name = "Tandem dead letters"
  type         = "email"
  labels = {
    email_address = var.alert_email
  }

  depends_on = [google_project_service.enabled]
}

resource "google_monitoring_alert_policy" "dead_letter" {
  count = var.alert_email == null ? 0 : 1

  display_name          = "Tandem: messages on a dead-letter topic"
  combiner              = "OR"
  notification_channels = [google_monitoring_notification_channel.dead_letter_email[0].id]

  conditions {
    display_name = "Undelivered messages on a *-dead-letter-alerts subscription"

    condition_threshold {
      filter          = "resource.type = \"pubsub_subscription\" AND resource.labels.subscription_id = monitoring.regex.full_match(\".*-dead-letter-alerts\") AND metric.type = \"pubsub.googleapis.com/subscription/num_undelivered_messages\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  documentation {
    content   = "A Tandem step failed every delivery attempt of a message (max_delivery_attempts of its push subscription, from the function table). Pull it from the named <topic>-dead-letter-alerts subscription, fix the cause, and re-publish it to <topic>."
    mime_type = "text/markdown"
  }
}
