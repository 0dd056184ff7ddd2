variable "stage" {
  default = "prod"
}

locals {
  stages = ["prod", "dev"]
}

variable "region" {
  default = "us-east-1"

  validation {
    condition     = var.stage != "" && length(var.region) > 0 # ERROR: Invalid reference in variable validation # DETAIL: A validation of variable "region" can refer only to var.region.
    error_message = "bad"
  }

  validation {
    condition     = contains(local.stages, var.region) # ERROR: Invalid reference in variable validation
    error_message = "region ${var.region} is not one of ${var.stage}" # ERROR: Invalid reference in variable validation
  }
}
