/// <reference types="astro/client" />
declare namespace App {
  interface Locals {
    snapshot?: import('@upstate/core').TenantSnapshot;
  }
}
