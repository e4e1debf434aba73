resource "google_firestore_database" "default" {
  name        = "(default)"
  location_id = coalesce(var.firestore_location, var.region)
  type        = "FIRESTORE_NATIVE"

  # Case changes run in transactions on the server SDK; pessimistic locking keeps a hot case from
  # starving a writer under contention.
  concurrency_mode        = "PESSIMISTIC"
  delete_protection_state = "DELETE_PROTECTION_ENABLED"
  deletion_policy         = "ABANDON"

  depends_on = [google_project_service.enabled]
}

# The composite indexes are firestore.indexes.json's (the case API's list queries), so the emulator-tested
# file and the deployment cannot differ. The follow-up sweep's range on cases.nextActionAt needs none: a
# single-field index, which Firestore keeps automatically.
locals {
  firestore_indexes = { for index in jsondecode(file("${path.module}/../firestore.indexes.json")).indexes : join(",", [for f in index.fields : "${f.fieldPath}:${f.order}"]) => index }
}

resource "google_firestore_index" "composite" {
  for_each = local.firestore_indexes

  database    = google_firestore_database.default.name
  collection  = each.value.collectionGroup
  query_scope = each.value.queryScope

  dynamic "fields" {
    # __name__ is appended by Firestore itself to every index in the direction of the last field.
    for_each = [for f in each.value.fields : f if f.fieldPath != "__name__"]
    content {
      field_path = fields.value.fieldPath
      order      = fields.value.order
    }
  }
}

resource "google_firebaserules_ruleset" "firestore" {
  source {
    files {
      name    = "firestore.rules"
      content = file("${path.module}/../firestore.rules")
    }
  }

  # A ruleset in use by a release cannot be deleted: create the new one and move the release first.
  lifecycle {
    create_before_destroy = true
  }

  depends_on = [google_firestore_database.default]
}

resource "google_firebaserules_release" "firestore" {
  name         = "cloud.firestore"
  ruleset_name = "projects/${var.project_id}/rulesets/${google_firebaserules_ruleset.firestore.name}"
}
