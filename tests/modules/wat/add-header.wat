;; Adds x-added-by: <its configuration> to every request, and rejects an empty configuration.
;; Used to check the filter chain (order of filters) and configure-time rejection.
(module
  (import "env" "proxy_get_buffer_bytes" (func $get_buffer (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_add_header_map_value" (func $add_value (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "x-added-by")                  ;; 10
  (data (i32.const 32) "empty configuration refused") ;; 27
  (global $heap (mut i32) (i32.const 4096))
  (global $config_ptr (mut i32) (i32.const 0))
  (global $config_len (mut i32) (i32.const 0))
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "proxy_on_memory_allocate") (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $size)))
    (local.get $ptr))
  (func (export "proxy_on_context_create") (param i32 i32))
  (func (export "proxy_on_configure") (param $root i32) (param $size i32) (result i32)
    (if (i32.eqz (local.get $size))
      (then
        (drop (call $log (i32.const 4) (i32.const 32) (i32.const 27)))
        (return (i32.const 0))))
    ;; Buffer type 7 is the plugin configuration.
    (drop (call $get_buffer (i32.const 7) (i32.const 0) (local.get $size) (i32.const 512) (i32.const 516)))
    (global.set $config_ptr (i32.load (i32.const 512)))
    (global.set $config_len (i32.load (i32.const 516)))
    (i32.const 1))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
    (drop (call $add_value (i32.const 0) (i32.const 16) (i32.const 10) (global.get $config_ptr) (global.get $config_len)))
    (i32.const 0))
)
