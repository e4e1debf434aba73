# Three identities, each with only what its caller needs:
#   functions    — every function: Firestore, publish, start/resume workflow executions, partner secrets.
#   workflow     — the partner-escalation workflow: invoke escalation-steps, write its call logs.
#   pubsub_push  — the OIDC identity on push subscriptions: invoke the Pub/Sub functions, nothing else.

resource "google_service_account" "functions" {
  account_id   = "tandem-functions"
  display_name = "Tandem functions"
  description  = "Runtime identity of every Tandem function."
}

resource "google_service_account" "workflow" {
  account_id   = "tandem-workflow"
  display_name = "Tandem partner-escalation workflow"
  description  = "Runtime identity of the partner-escalation workflow."
}

resource "google_service_account" "pubsub_push" {
  account_id   = "tandem-pubsub-push"
  display_name = "Tandem Pub/Sub push"
  description  = "OIDC identity that Pub/Sub push subscriptions use to invoke the Pub/Sub functions."
}

resource "google_project_iam_member" "functions" {
  for_each = toset([
    "roles/datastore.user",    # cases, orgs, partners, idempotency records
    "roles/pubsub.publisher",  # the next step's topic
    "roles/workflows.invoker", # start executions; send callbacks to a waiting execution
  ])

  project = var.project_id
  role    = each.key
  member  = "serviceAccount:${google_service_account.functions.email}"
}

resource "google_secret_manager_secret_iam_member" "functions_partner_webhook" {
  for_each = google_secret_manager_secret.partner_webhook

  secret_id = each.value.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.functions.email}"
}

resource "google_project_iam_member" "workflow_log_writer" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = "serviceAccount:${google_service_account.workflow.email}"
}

resource "google_cloud_run_v2_service_iam_member" "workflow_invokes_escalation_steps" {
  location = var.region
  name     = google_cloudfunctions2_function.function["escalationSteps"].name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.workflow.email}"
}

resource "google_cloud_run_v2_service_iam_member" "pubsub_push_invoker" {
  for_each = local.pubsub_functions

  location = var.region
  name     = google_cloudfunctions2_function.function[each.key].name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.pubsub_push.email}"
}

resource "google_cloud_run_v2_service_iam_member" "pubsub_push_invoker_dead_letters" {
  for_each = local.dead_letter_functions

  location = var.region
  name     = google_cloudfunctions2_function.function[each.key].name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.pubsub_push.email}"
}

# The notification channels' credentials (secrets.tf): notify and alertDeadLetter read them at run time.
resource "google_secret_manager_secret_iam_member" "functions_notification" {
  for_each = google_secret_manager_secret.notification

  secret_id = each.value.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.functions.email}"
}

# Intake, partner callbacks and case actions authenticate in the application (a verified webhook
# signature, a Firebase ID token), so the platform lets everyone through.
resource "google_cloud_run_v2_service_iam_member" "public_invoker" {
  for_each = local.public_functions

  location = var.region
  name     = google_cloudfunctions2_function.function[each.key].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# Dead lettering needs the Pub/Sub service agent to publish to the dead-letter topic and to
# acknowledge the message on the source subscription.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  for_each = google_pubsub_topic.dead_letter

  topic  = each.value.id
  role   = "roles/pubsub.publisher"
  member = local.pubsub_service_agent

  depends_on = [google_project_service.enabled]
}

resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  for_each = google_pubsub_subscription.function_push

  subscription = each.value.id
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent
}

# The Pub/Sub service agent mints the push subscriptions' OIDC tokens for pubsub_push. Projects created
# before April 2021 lack this grant by default; scoping it to the one account keeps it narrow.
resource "google_service_account_iam_member" "pubsub_push_token_creator" {
  service_account_id = google_service_account.pubsub_push.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_service_agent

  depends_on = [google_project_service.enabled]
}
