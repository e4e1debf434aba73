terraform {
  required_version = ">= 1.5, < 2.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 5.30, < 7"
    }
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.4, < 3"
    }
    google-beta = {
      source  = "hashicorp/google-beta"
      version = ">= 5.30, < 7"
    }
  }
}
