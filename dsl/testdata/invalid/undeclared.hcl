variable "stage" {
  default = "prod"
}

locals {
  base = "https://example.com/${var.stge}" # ERROR: Reference to undeclared input variable # DETAIL: No input variable named "stge" is declared in this collection. Did you mean var.stage? # COL: 33
  host = local.bse # ERROR: Reference to undeclared local value # DETAIL: Did you mean local.base?
}

credentials "ci" {
  profile = "ci"
}

endpoint "api" {
  url = local.base

  auth "aws_sigv4" {
    credentials = credentials.cj # ERROR: Reference to undeclared credentials # DETAIL: Did you mean credentials.ci?
  }
}

request "create" {
  endpoint = endpoint.apj # ERROR: Reference to undeclared endpoint # DETAIL: No endpoint named "apj" is declared in this collection. Did you mean endpoint.api? # COL: 14
  path     = "/items"
}

request "get" {
  endpoint   = endpoint.api
  path       = "/items/${request.creat.response.json.id}" # ERROR: Reference to undeclared request # DETAIL: Did you mean request.create?
  depends_on = [request.nothing_like_it] # ERROR: Reference to undeclared request # DETAIL: No request named "nothing_like_it" is declared in this collection.
  headers    = { x = endpoint.zzz.url } # ERROR: Reference to undeclared endpoint

  assert {
    condition     = var.totally_different == "x" # ERROR: Reference to undeclared input variable
    error_message = "x"
  }
}

output "o" {
  value = local.nope # ERROR: Reference to undeclared local value
}
