# One branch: create an item, read it back, find it in the list, delete it.
# Each step refers to the one before, which orders them.

request "create_item" {
  endpoint = endpoint.api
  method   = "POST"
  path     = "/items"
  json     = { name = "widget" }

  expect {
    status  = 201
    headers = { "content-type" = "application/json" }
    json    = { name = "widget" }
  }

  assert {
    condition     = length(response.json.id) > 0
    error_message = "the API must return the new item's id"
  }
}

request "get_item" {
  endpoint = endpoint.api
  path     = "/items/${request.create_item.response.json.id}"

  expect {
    status = 200
    json = {
      id   = request.create_item.response.json.id
      name = "widget"
    }
  }
}

request "list_items" {
  endpoint   = endpoint.api
  path       = "/items"
  query      = { limit = "10", order = "created asc" }
  depends_on = [request.get_item]

  expect {
    status = 200
  }

  assert {
    condition     = contains([for it in response.json.items : it.id], request.create_item.response.json.id)
    error_message = "the new item must be in the list"
  }
}

request "delete_item" {
  endpoint   = endpoint.api
  method     = "DELETE"
  path       = "/items/${request.create_item.response.json.id}"
  depends_on = [request.list_items]

  expect {
    status = 204
  }
}

request "get_deleted_item" {
  endpoint   = endpoint.api
  path       = "/items/${request.create_item.response.json.id}"
  depends_on = [request.delete_item]

  expect {
    status        = 404
    body_contains = "Item not found"
  }
}

output "item_id" {
  value = request.create_item.response.json.id
}
