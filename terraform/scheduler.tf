# DESIGN.md: followup-tick is published by Cloud Scheduler every minute (locally: the dev stack's timer).
resource "google_cloud_scheduler_job" "followup_tick" {
  name        = "followup-tick"
  region      = var.region
  description = "Tandem: every minute, publish a tick so that the followups function sweeps cases whose nextActionAt is due."
  schedule    = "* * * * *"
  time_zone   = "Etc/UTC"

  pubsub_target {
    topic_name = google_pubsub_topic.topic["followup-tick"].id
    # The data must not be empty: the Functions Framework only recognises a push body whose message
    # carries data.
    data = base64encode(jsonencode({ source = "cloud-scheduler" }))
    attributes = {
      type = "followup.tick"
    }
  }

  depends_on = [google_project_service.enabled]
}
