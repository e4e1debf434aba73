provider "google" {
  project = var.project_id
  region  = var.region
}

# For the resources that are beta-only: Firebase and Firebase Hosting (hosting.tf). Everything else uses
# the default provider.
provider "google-beta" {
  project = var.project_id
  region  = var.region
}

data "google_project" "this" {
  project_id = var.project_id
}

locals {
  # The function table, generated from functions/src/function-triggers.ts (`npm run generate`; a unit
  # test fails when this file is stale). Everything about how a function is reached comes from it.
  table = jsondecode(file("${path.module}/function-table.json"))

  # The Pub/Sub topics of DESIGN.md ("Events"). Each gets a `<topic>-dead-letter` topic.
  topics = local.table.topics

  # Every function, keyed by its entry point (the name it is registered under with the Functions
  # Framework). `name` is the deployed name: Cloud Run service names are lower-case, so entry points in
  # camelCase are deployed in kebab-case. A `pubsub` function has a `topic` and is fed by the push
  # `subscription` of pubsub.tf (name and delivery settings from the table); an `http` function has
  # `routes`. `public` functions get an allUsers invoker, accept traffic from the internet and are
  # served by Firebase Hosting (hosting.tf); the others accept only internal traffic, from an
  # authenticated caller.
  functions = local.table.functions

  pubsub_functions = { for entry_point, f in local.functions : entry_point => f if f.kind == "pubsub" }

  # Functions fed by every <topic>-dead-letter topic (alertDeadLetter), and their push subscriptions:
  # one per function and dead-letter topic, keyed by subscription name, from the table.
  dead_letter_functions     = { for entry_point, f in local.functions : entry_point => f if f.kind == "dead-letters" }
  dead_letter_subscriptions = local.table.dead_letter_subscriptions
  public_functions          = { for entry_point, f in local.functions : entry_point => f if f.public }

  # One Hosting rewrite per public path (a rewrite takes every method; the function answers the others).
  public_routes = distinct(flatten([for entry_point, f in local.public_functions : [for route in f.routes : { entry_point = entry_point, regex = route.regex }]]))

  workflow_name = "partner-escalation"

  # Cloud Run's deterministic URL (https://SERVICE-PROJECT_NUMBER.REGION.run.app). The functions need
  # the escalation-steps URL in their environment, and a for_each resource cannot read the attributes
  # of its own instances, so the URL is computed rather than taken from service_config[0].uri. It is a
  # run.app URL, which internal ingress requires for calls from Workflows.
  escalation_steps_url = "https://${local.functions.escalationSteps.name}-${data.google_project.this.number}.${var.region}.run.app"

  pubsub_service_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"

  services = toset([
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudscheduler.googleapis.com",
    "firebase.googleapis.com",
    "firebasehosting.googleapis.com",
    "firebaserules.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "identitytoolkit.googleapis.com",
    "monitoring.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "workflows.googleapis.com",
  ])
}

resource "google_project_service" "enabled" {
  for_each = local.services

  project = var.project_id
  service = each.key

  # Turning an API off on `terraform destroy` would break anything else in the project that uses it.
  disable_on_destroy = false
}
