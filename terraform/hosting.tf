# The one public origin: Firebase Hosting in front of the public HTTP functions, one rewrite per public
# route of the function table (local.public_routes, main.tf). Each rewrite matches the route's path with
# the anchored RE2 expression that the local router also matches with, and proxies every method to the
# function's Cloud Run service; the function answers a method it does not serve. Paths that no rewrite
# matches get Hosting's 404, so internal functions and unlisted paths are not reachable through it.
# Firebase and Hosting are beta-only in the provider, hence google-beta.

# Adds Firebase to the project (it cannot be removed again). A project that already is a Firebase
# project is imported instead: terraform import google_firebase_project.default projects/<project_id>.
resource "google_firebase_project" "default" {
  provider = google-beta
  project  = var.project_id

  depends_on = [google_project_service.enabled]
}

resource "google_firebase_hosting_site" "public" {
  provider = google-beta
  project  = var.project_id
  site_id  = coalesce(var.hosting_site_id, var.project_id)

  depends_on = [google_firebase_project.default]
}

resource "google_firebase_hosting_version" "public" {
  provider = google-beta
  site_id  = google_firebase_hosting_site.public.site_id

  config {
    dynamic "rewrites" {
      for_each = local.public_routes

      content {
        regex = rewrites.value.regex

        run {
          service_id = google_cloudfunctions2_function.function[rewrites.value.entry_point].name
          region     = var.region
        }
      }
    }
  }
}

resource "google_firebase_hosting_release" "public" {
  provider     = google-beta
  site_id      = google_firebase_hosting_site.public.site_id
  version_name = google_firebase_hosting_version.public.name
  message      = "Tandem: rewrites of the public routes of the function table"
}
