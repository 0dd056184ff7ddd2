variable "stage" {
  default = "prod"
}

locals {
  base = "https://example.com/${var.stage}"
}
