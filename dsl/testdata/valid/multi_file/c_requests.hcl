credentials "ci" {
  profile = "ci"
}

request "second" {
  endpoint   = endpoint.api
  path       = "/second/${request.first.response.json.id}"
  depends_on = [request.first]
}

output "second_status" {
  value = request.second.response.status
}

locals {
  late = local.base
}
