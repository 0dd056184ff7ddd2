request "get" {
  url  = "https://example.com/${each.key}" # ERROR: Reference to "each.key" in a block without for_each or count # DETAIL: each.key exists only inside a request that sets for_each or count.
  body = each.value # ERROR: Reference to "each.value" in a block without for_each or count

  headers = {
    n = count.index # ERROR: Reference to "count.index" in a block without for_each or count
  }
}

output "o" {
  value = each.key # ERROR: Reference to "each.key" in a block without for_each or count
}
