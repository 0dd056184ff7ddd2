# Modules: a folder of requests used as one block, here twice with
# different inputs. Each module's requests join the one graph, so the two
# run in parallel; they are reported as module.NAME.request.REQ.
#
#   sigrun demo --serve
#   sigrun run samples/modules --var base_url=http://127.0.0.1:PORT/demo

variable "base_url" {
  type = string
}

module "lamp" {
  source   = "./modules/item-lifecycle"
  base_url = var.base_url
  name     = "lamp"
}

module "desk" {
  source   = "./modules/item-lifecycle"
  base_url = var.base_url
  name     = "desk"
}

output "ids" {
  value = [module.lamp.id, module.desk.id]
}
