# Every place a reference is allowed.
variable "ids" {
  type    = list(string)
  default = ["a", "b"]

  validation {
    condition     = length(var.ids) > 0 && alltrue([for id in var.ids : id != ""])
    error_message = "ids must not be empty: ${jsonencode(var.ids)}"
  }
}

locals {
  first  = var.ids[0]
  joined = join(",", [for id in var.ids : upper(id)])
  nested = local.joined
}

endpoint "api" {
  url     = "https://example.com"
  headers = { ids = local.joined }
}

request "list" {
  endpoint = endpoint.api
  path     = "/items"
  query    = { q = local.first, ids = var.ids }

  expect {
    status  = response.status == 0 ? 200 : 200
    json    = { items = [for it in response.json.items : { id = it.id }] }
    headers = { "x-count" = tostring(length(response.json.items)) }
  }

  assert {
    condition     = try(response.json.items[0].id, "") != ""
    error_message = "first id: ${try(response.json.items[0].id, "none")}"
  }

  retry {
    attempts = length(var.ids)
    interval = "${length(var.ids)}s"
    until    = response.status < 500
  }
}

request "detail" {
  endpoint = endpoint.api
  path     = "/items/${request.list.response.json.items[0].id}"
  headers  = { base = endpoint.api.url }

  assert {
    condition     = response.json.id == request.list.response.json.items[0].id
    error_message = "mismatch"
  }
}

output "ids" {
  value = [for it in request.list.response.json.items : it.id]
}

output "detail_status" {
  value = request.detail.response.status
}
