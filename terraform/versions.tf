terraform {
  required_version = ">= 1.5, < 2.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 5.30, < 7"
    }
    google-beta = {
      source  = "hashicorp/google-beta"
      version = ">= 5.30, < 7"
    }
  }
}
