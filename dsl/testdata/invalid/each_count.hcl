request "get" {
  url  = "https://example.com/${each.key}" # ERROR: Reference to "each.key" in a block without for_each # DETAIL: each.key exists only inside a request that sets for_each
  body = each.value # ERROR: Reference to "each.value" in a block without for_each

  headers = {
    n = count.index # ERROR: Reference to "count.index" in a block without count
  }
}

output "o" {
  value = each.key # ERROR: Reference to "each.key" in a block without for_each
}

request "counted" {
  count = 2
  url   = "https://example.com/${count.index}"
  body  = each.key # ERROR: Reference to "each.key" in a block without for_each
}

request "iterated" {
  for_each = toset(["a", "b"])
  url      = "https://example.com/${each.key}"
  body     = count.index # ERROR: Reference to "count.index" in a block without count
}

request "self_keyed" {
  for_each = { x = each.key } # ERROR: Reference to "each.key" in a block without for_each
  url      = "https://example.com/"
}
