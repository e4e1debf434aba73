# Every function runs the same source archive; the entry point selects the handler registered with the
# Functions Framework. No function has an event_trigger: Pub/Sub functions are fed by the push
# subscriptions of pubsub.tf (see the note there on dead lettering).
resource "google_cloudfunctions2_function" "function" {
  for_each = local.functions

  name     = each.value.name
  location = var.region
  labels   = var.labels

  build_config {
    runtime         = "nodejs20"
    entry_point     = each.key
    service_account = var.build_service_account

    source {
      storage_source {
        bucket = var.functions_source_bucket
        object = var.functions_source_object
      }
    }
  }

  service_config {
    service_account_email            = google_service_account.functions.email
    ingress_settings                 = each.value.public ? "ALLOW_ALL" : "ALLOW_INTERNAL_ONLY"
    available_memory                 = "256Mi"
    timeout_seconds                  = 60
    min_instance_count               = 0
    max_instance_count               = var.function_max_instances
    all_traffic_on_latest_revision   = true
    max_instance_request_concurrency = 1

    # Configuration only: partner webhook secrets (partner-webhook-secret-<partnerId>), the SMTP
    # relay's password and the duty chat webhook URL are read from Secret Manager at run time, never
    # passed in here.
    environment_variables = {
      GOOGLE_CLOUD_PROJECT        = var.project_id
      TANDEM_PUBLIC_URL           = var.public_url
      TANDEM_WORKFLOWS_LOCATION   = var.region
      TANDEM_WORKFLOW_NAME        = local.workflow_name
      TANDEM_ESCALATION_STEPS_URL = local.escalation_steps_url
      TANDEM_SMTP_URL             = var.smtp_url
      TANDEM_MAIL_FROM            = var.mail_from
    }
  }

  depends_on = [
    google_project_service.enabled,
    google_project_iam_member.functions,
  ]
}
