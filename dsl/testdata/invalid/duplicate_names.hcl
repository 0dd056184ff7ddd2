variable "stage" {
  default = "prod"
}

variable "stage" { # ERROR: Duplicate variable "stage" # DETAIL: already declared at testdata/invalid/duplicate_names.hcl:1,1.
  default = "dev"
}

locals {
  base = "https://example.com"
}

locals {
  base = "https://example.org" # ERROR: Duplicate local value "base" # DETAIL: already declared at testdata/invalid/duplicate_names.hcl:10,3. # COL: 3
}

credentials "ci" {
  profile = "ci"
}

credentials "ci" { # ERROR: Duplicate credentials "ci" # DETAIL: already declared at testdata/invalid/duplicate_names.hcl:17,1.
  profile = "other"
}

endpoint "api" {
  url = "https://example.com"
}

endpoint "api" { # ERROR: Duplicate endpoint "api" # DETAIL: already declared at testdata/invalid/duplicate_names.hcl:25,1.
  url = "https://example.org"
}

request "get" {
  endpoint = endpoint.api
  path     = "/a"
}

request "get" { # ERROR: Duplicate request "get" # DETAIL: already declared at testdata/invalid/duplicate_names.hcl:33,1.
  endpoint = endpoint.api
  path     = "/b"
}

output "id" {
  value = "a"
}

output "id" { # ERROR: Duplicate output "id" # DETAIL: already declared at testdata/invalid/duplicate_names.hcl:43,1.
  value = "b"
}
