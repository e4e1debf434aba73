provider "google" {
  project = var.project_id
  region  = var.region
}

# Declared so that a beta-only field can be adopted resource by resource without a provider change;
# every resource in this module is GA today and uses the default provider.
provider "google-beta" {
  project = var.project_id
  region  = var.region
}

data "google_project" "this" {
  project_id = var.project_id
}

locals {
  # The Pub/Sub topics of DESIGN.md ("Events"). Each gets a `<topic>-dead-letter` topic.
  topics = [
    "case-received",
    "case-classified",
    "case-prioritized",
    "escalation-requested",
    "case-updated",
    "followup-tick",
  ]

  # Every function, keyed by its entry point (the name it is registered under with the Functions
  # Framework). `name` is the deployed name: Cloud Run service names are lower-case, so entry points in
  # camelCase are deployed in kebab-case. `trigger_topic` is null for HTTP functions; a Pub/Sub function
  # is fed by the push subscription of pubsub.tf. `public` functions get an allUsers invoker and accept
  # traffic from the internet; the others accept only internal traffic, from an authenticated caller.
  functions = {
    intake          = { name = "intake", trigger_topic = null, public = true }
    partnerCallback = { name = "partner-callback", trigger_topic = null, public = true }
    escalationSteps = { name = "escalation-steps", trigger_topic = null, public = false }
    classify        = { name = "classify", trigger_topic = "case-received", public = false }
    prioritize      = { name = "prioritize", trigger_topic = "case-classified", public = false }
    route           = { name = "route", trigger_topic = "case-prioritized", public = false }
    escalate        = { name = "escalate", trigger_topic = "escalation-requested", public = false }
    followups       = { name = "followups", trigger_topic = "followup-tick", public = false }
  }

  pubsub_functions = { for entry_point, f in local.functions : entry_point => f if f.trigger_topic != null }
  public_functions = { for entry_point, f in local.functions : entry_point => f if f.public }

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
    "firebaserules.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
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
