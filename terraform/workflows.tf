# One execution per escalation, started by the `escalate` function; it calls escalation-steps (with an
# OIDC token of its own service account) for every side effect. The YAML is shared with the local
# Workflows runner, so production and `npm start` run the same definition.
resource "google_workflows_workflow" "partner_escalation" {
  name            = local.workflow_name
  region          = var.region
  description     = "Tandem: escalate one collaborative case to its technology partner and climb the escalation ladder until the partner acknowledges, declines, or the ladder is exhausted."
  service_account = google_service_account.workflow.id
  call_log_level  = "LOG_ERRORS_ONLY"
  source_contents = file("${path.module}/../workflows/partner-escalation.workflows.yaml")
  labels          = var.labels

  depends_on = [google_project_service.enabled]
}
