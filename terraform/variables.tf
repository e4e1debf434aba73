variable "project_id" {
  type        = string
  description = "Google Cloud project that Tandem is deployed into."
}

variable "region" {
  type        = string
  description = "Region of the functions, the workflow, the Cloud Scheduler job and (by default) Firestore."
  default     = "us-central1"
}

variable "functions_source_bucket" {
  type        = string
  description = "Cloud Storage bucket that Terraform uploads each function's source archive to (tandem/functions/<name>-<md5>.zip, zipped from dist/functions/<name>/: run `npm run build` first)."
}

variable "public_url" {
  type        = string
  description = "Public base URL that serves the public routes of the function table in front of the functions: the Firebase Hosting site of hosting.tf (https://<hosting site id>.web.app, output hosting_url) or a custom domain on it. Used for links in responses and the callbackUrl sent to partners (TANDEM_PUBLIC_URL)."

  validation {
    condition     = can(regex("^https://[^/]+", var.public_url)) && !endswith(var.public_url, "/")
    error_message = "public_url must be an https:// URL without a trailing slash."
  }
}

variable "partner_ids" {
  type        = list(string)
  description = "Technology partners that receive and send signed webhooks. Each gets an empty Secret Manager secret `partner-webhook-secret-<partnerId>`; its signing-key versions are added outside Terraform so that no secret value is ever in state."
  default     = []

  validation {
    condition     = alltrue([for id in var.partner_ids : can(regex("^[A-Za-z0-9_-]{1,200}$", id))])
    error_message = "Each partner id must be 1-200 letters, digits, hyphens or underscores (it becomes part of a secret id)."
  }
}

variable "smtp_url" {
  type        = string
  description = "The mail relay notify sends through, smtp://user@host:587 or smtps://user@host:465, without the password (that is the secret tandem-smtp-password)."
}

variable "mail_from" {
  type        = string
  description = "The From of every email Tandem sends."
  default     = "Tandem Support <support@tandem.example>"
}

variable "alert_email" {
  type        = string
  description = "Optional address notified when a message lands on a dead-letter topic. When null, the dead-letter alert subscriptions still exist but no alert policy is created."
  default     = null
}

variable "firestore_location" {
  type        = string
  description = "Location of the Firestore (default) database, e.g. \"nam5\" or a region. Null means var.region. Cannot be changed once the database exists."
  default     = null
}

variable "function_max_instances" {
  type        = number
  description = "Upper bound on instances per function, which also bounds concurrent Firestore transactions per step."
  default     = 20
}

variable "build_service_account" {
  type        = string
  description = "Optional service account (full resource name, projects/<project>/serviceAccounts/<email>) that Cloud Build uses to build the functions. Null means the project's default build service account."
  default     = null
}

variable "labels" {
  type        = map(string)
  description = "Labels added to every resource that accepts them."
  default     = {}
}

variable "hosting_site_id" {
  type        = string
  description = "Firebase Hosting site that serves the public routes (hosting.tf); it becomes https://<site>.web.app. Site ids are globally unique. Null means the project's default site, whose id is the project id."
  default     = null

  validation {
    condition     = var.hosting_site_id == null || can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.hosting_site_id))
    error_message = "hosting_site_id must be a valid domain name label: lower-case letters, digits and hyphens, at most 63 characters."
  }
}

variable "extra_authorized_domains" {
  type        = list(string)
  description = "Domains besides the Firebase Hosting site's from which people may sign in (a custom domain in front of Hosting)."
  default     = []
}

variable "google_sign_in_client_id" {
  type        = string
  description = "OAuth client ID for Google sign-in through Identity Platform. Null leaves Google sign-in off (email and password only)."
  default     = null
}

variable "google_sign_in_client_secret" {
  type        = string
  description = "The OAuth client's secret, for Google sign-in. Give it with TF_VAR_google_sign_in_client_secret, never in a file."
  default     = null
  sensitive   = true
}
