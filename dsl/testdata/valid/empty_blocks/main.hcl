# A collection may consist of a single output with a literal value.
output "hello" {
  value = "world"
}
