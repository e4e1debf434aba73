# Each function deploys from its own source archive: dist/functions/<name>/ as `npm run build` writes
# it (dev/build-functions.ts: that function's bundle and a package.json naming it), zipped and uploaded
# under a name that changes with its content, so a function is redeployed only when its bundle
# changes. No function has an event_trigger: Pub/Sub functions are fed by the push subscriptions of
# pubsub.tf (see the note there on dead lettering).
data "archive_file" "function_source" {
  for_each = local.functions

  type        = "zip"
  source_dir  = "${path.module}/../dist/functions/${each.value.name}"
  output_path = "${path.module}/.build/functions/${each.value.name}.zip"
}

resource "google_storage_bucket_object" "function_source" {
  for_each = local.functions

  bucket       = var.functions_source_bucket
  name         = "tandem/functions/${each.value.name}-${data.archive_file.function_source[each.key].output_md5}.zip"
  source       = data.archive_file.function_source[each.key].output_path
  content_type = "application/zip"
}

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
        bucket = google_storage_bucket_object.function_source[each.key].bucket
        object = google_storage_bucket_object.function_source[each.key].name
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
