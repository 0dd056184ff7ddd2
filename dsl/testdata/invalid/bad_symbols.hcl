variable "stage" {
  default = "prod"
}

request "get" {
  url = "https://example.com/${foo.bar}" # ERROR: Unknown symbol # DETAIL: There is no symbol named "foo".
  headers = {
    a = var # ERROR: Invalid reference # DETAIL: The "var" object cannot be used on its own
    b = var[0] # ERROR: Invalid reference
  }
}

output "o" {
  value = "${each.name}" # ERROR: Invalid "each" attribute
}
