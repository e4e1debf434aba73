# Identity Platform (Firebase Authentication) signs people in: email and password, and Google sign-in
# when an OAuth client is given. Tandem's functions verify the ID tokens it issues (audience: the
# project); roles are custom claims set by Tandem's user CLI (`npm run users`), never by the user.
resource "google_identity_platform_config" "default" {
  project = var.project_id

  sign_in {
    allow_duplicate_emails = false

    email {
      enabled           = true
      password_required = true
    }
  }

  # Only Tandem's own origin (Firebase Hosting) may start a sign-in.
  authorized_domains = concat(["${google_firebase_hosting_site.public.site_id}.web.app", "${google_firebase_hosting_site.public.site_id}.firebaseapp.com"], var.extra_authorized_domains)

  depends_on = [google_project_service.enabled]
}

resource "google_identity_platform_default_supported_idp_config" "google" {
  count = var.google_sign_in_client_id == null ? 0 : 1

  project       = var.project_id
  enabled       = true
  idp_id        = "google.com"
  client_id     = var.google_sign_in_client_id
  client_secret = var.google_sign_in_client_secret

  depends_on = [google_identity_platform_config.default]
}
