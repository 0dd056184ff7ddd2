variable "other" {
  default = "x"
}

variable "ref" {
  default = var.other # ERROR: Invalid default value # DETAIL: must be a literal value
}

variable "call" {
  default = upper("x") # ERROR: Invalid default value
}

variable "num" {
  type    = number
  default = "abc" # ERROR: Invalid default value for variable # DETAIL: This default value does not fit the variable's type: a number is required.
}

variable "list" {
  type    = list(string)
  default = "x" # ERROR: Invalid default value for variable
}

variable "obj" {
  type    = object({ a = number })
  default = { b = 1 } # ERROR: Invalid default value for variable # DETAIL: attribute "a" is required
}

variable "fine_null" {
  type    = string
  default = null
}

variable "badtype" {
  type = strin # ERROR: Invalid type specification
}

variable "desc" {
  description = var.other # ERROR: Variables not allowed # ERROR: Unsuitable value type
}

variable "sens" {
  sensitive = "maybe" # ERROR: Unsuitable value type # DETAIL: a bool is required
}
