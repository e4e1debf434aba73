# The one public origin: Firebase Hosting in front of the public HTTP functions and the web app.
#
# - One rewrite per public route of the function table (local.public_routes, main.tf). Each matches the
#   route's path with the anchored RE2 expression that the local router also matches with, and proxies
#   every method to the function's Cloud Run service (a gen2 function is one; `function` rewrites are
#   for gen1); the function answers a method it does not serve. Internal functions (escalationSteps,
#   the Pub/Sub pushes) have no rewrite, so they are not reachable through Hosting.
# - The web app: every /app/... path that is not one of its files is answered with /app/index.html (the
#   app routes in the browser), and / redirects to /app/.
# - /__/firebase/init.json is Hosting's own: the Firebase config of the web app linked to the site below.
#
# Terraform cannot upload Hosting files (a version made here has the config and no content). The web
# app's files, dist/web/ as `npm run build` writes it (its files under dist/web/app/), are uploaded with
# `firebase deploy --only hosting --project <project_id>`, which makes and releases a version of its own
# from firebase.json at the repository root. That file is generated from the same function table
# (`npm run generate`), and test/unit/terraform-shape.test.ts fails when its rewrites and redirects differ
# from this version's, so whichever of the two was released last serves the same routes. Run the deploy
# after every `terraform apply` that makes a new version here: until then the released version has no files.
# Firebase and Hosting are beta-only in the provider, hence google-beta.

# Adds Firebase to the project (it cannot be removed again). A project that already is a Firebase
# project is imported instead: terraform import google_firebase_project.default projects/<project_id>.
resource "google_firebase_project" "default" {
  provider = google-beta
  project  = var.project_id

  depends_on = [google_project_service.enabled]
}

# The web app's Firebase registration: its apiKey and appId are what Hosting serves at
# /__/firebase/init.json, from which the app configures the Firebase SDK.
resource "google_firebase_web_app" "tandem" {
  provider     = google-beta
  project      = var.project_id
  display_name = "Tandem"

  depends_on = [google_firebase_project.default]
}

resource "google_firebase_hosting_site" "public" {
  provider = google-beta
  project  = var.project_id
  site_id  = coalesce(var.hosting_site_id, var.project_id)
  app_id   = google_firebase_web_app.tandem.app_id

  depends_on = [google_firebase_project.default]
}

resource "google_firebase_hosting_version" "public" {
  provider = google-beta
  site_id  = google_firebase_hosting_site.public.site_id

  config {
    # The web app's paths: a file of dist/web/app/ is served as it is (files come before rewrites), any
    # other /app/... path gets the app's page. No function route starts with /app/.
    rewrites {
      glob = "/app/**"
      path = "/app/index.html"
    }

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

    redirects {
      glob        = "/"
      status_code = 302
      location    = "/app/"
    }

    # Revalidate the app's files on every load (a 304 when unchanged): by default a browser may keep
    # index.html, and the bundle it names, for an hour after a deploy.
    headers {
      glob = "/app/**"
      headers = {
        "Cache-Control" = "no-cache"
      }
    }
  }
}

resource "google_firebase_hosting_release" "public" {
  provider     = google-beta
  site_id      = google_firebase_hosting_site.public.site_id
  version_name = google_firebase_hosting_version.public.name
  message      = "Tandem: the web app, and rewrites of the public routes of the function table"
}
