output "intake_url" {
  description = "URL of the intake function (POST /cases). Public clients should use public_url, which routes DESIGN.md's paths to the functions."
  value       = google_cloudfunctions2_function.function["intake"].service_config[0].uri
}

output "partner_callback_url" {
  description = "URL of the partnerCallback function (POST /partners/{partnerId}/callbacks)."
  value       = google_cloudfunctions2_function.function["partnerCallback"].service_config[0].uri
}

output "escalation_steps_url" {
  description = "Internal URL of the escalationSteps function, called only by the partner-escalation workflow."
  value       = local.escalation_steps_url
}

output "workflow_id" {
  description = "Full resource id of the partner-escalation workflow."
  value       = google_workflows_workflow.partner_escalation.id
}

output "topic_names" {
  description = "Pub/Sub topics by DESIGN.md name."
  value       = { for name, topic in google_pubsub_topic.topic : name => topic.name }
}

output "dead_letter_topic_names" {
  description = "Dead-letter topic of each DESIGN.md topic."
  value       = { for name, topic in google_pubsub_topic.dead_letter : name => topic.name }
}

output "dead_letter_alert_subscriptions" {
  description = "Pull subscription on each dead-letter topic, for inspecting and re-publishing failed messages."
  value       = { for name, sub in google_pubsub_subscription.dead_letter_alerts : name => sub.name }
}

output "functions_service_account_email" {
  description = "Runtime service account of every function."
  value       = google_service_account.functions.email
}

output "partner_webhook_secret_ids" {
  description = "Secret Manager secret of each partner; add its signing key with `gcloud secrets versions add`."
  value       = { for id, secret in google_secret_manager_secret.partner_webhook : id => secret.secret_id }
}

output "hosting_url" {
  description = "Default URL of the Firebase Hosting site (https://<site>.web.app) that serves the public routes; public_url should be this or a custom domain on the site."
  value       = google_firebase_hosting_site.public.default_url
}

output "public_routes" {
  description = "The Hosting rewrites: for each public route's path expression (RE2), the entry point of the function that serves it."
  value       = { for route in local.public_routes : route.regex => route.entry_point }
}

output "web_app_url" {
  description = "The web app on the Hosting site (its files are uploaded with `firebase deploy --only hosting`; see hosting.tf)."
  value       = "${google_firebase_hosting_site.public.default_url}/app/"
}
