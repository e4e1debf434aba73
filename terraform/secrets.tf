# One secret per partner for the Standard Webhooks signing key (whsec_…). Terraform creates only the
# container: versions are added with `gcloud secrets versions add`, so no key is ever in code or state.
# Several enabled versions are how a key is rotated (DESIGN.md: several signatures accepted).
resource "google_secret_manager_secret" "partner_webhook" {
  for_each = toset(var.partner_ids)

  secret_id = "partner-webhook-secret-${each.key}"
  labels    = var.labels

  replication {
    auto {}
  }

  depends_on = [google_project_service.enabled]
}

# The notification channels' credentials: the SMTP relay's password and the duty Google Chat space's
# incoming-webhook URL (which embeds its key). Containers only, as above: the values are added with
# `gcloud secrets versions add`, never in code or state.
resource "google_secret_manager_secret" "notification" {
  for_each = toset(["tandem-smtp-password", "tandem-chat-webhook-url"])

  secret_id = each.key
  labels    = var.labels

  replication {
    auto {}
  }

  depends_on = [google_project_service.enabled]
}
