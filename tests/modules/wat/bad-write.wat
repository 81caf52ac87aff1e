;; Writes header values or names Envoy's codecs refuse, chosen by the first byte of its configuration:
;; c: x-tenant-id "a\r\nb"; n: x-tenant-id "a\0b"; s: a name with a trailing space ("x-tenant-id ");
;; f: x-tenant-id "a\r\nb" replaced by "acme" before the router takes the headers; r: response
;; header x-bad "a\nb"; p: proxy_set_header_map_pairs with x-tenant-id "a\r\nb".
(module
  (import "env" "proxy_get_buffer_bytes" (func $get_buffer (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_add_header_map_value" (func $add_value (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_replace_header_map_value" (func $replace_value (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_set_header_map_pairs" (func $set_pairs (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "x-tenant-id ")   ;; 12 (11 without the space)
  (data (i32.const 32) "a\0d\0ab")       ;; 4
  (data (i32.const 40) "a\00b")          ;; 3
  (data (i32.const 48) "acme")           ;; 4
  (data (i32.const 64) "x-bad")          ;; 5
  (data (i32.const 80) "a\0ab")          ;; 3
  ;; Pairs: count 1, lengths 11 and 4, "x-tenant-id\0a\r\nb\0".
  (data (i32.const 128) "\01\00\00\00\0b\00\00\00\04\00\00\00x-tenant-id\00a\0d\0ab\00")
  (global $heap (mut i32) (i32.const 4096))
  (global $mode (mut i32) (i32.const 0))
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "proxy_on_memory_allocate") (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $size)))
    (local.get $ptr))
  (func (export "proxy_on_context_create") (param i32 i32))
  (func (export "proxy_on_configure") (param $root i32) (param $size i32) (result i32)
    (if (i32.eqz (local.get $size)) (then (return (i32.const 0))))
    ;; Buffer type 7 is the plugin configuration.
    (drop (call $get_buffer (i32.const 7) (i32.const 0) (i32.const 1) (i32.const 512) (i32.const 516)))
    (global.set $mode (i32.load8_u (i32.load (i32.const 512))))
    (i32.const 1))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
    (if (i32.eq (global.get $mode) (i32.const 99)) ;; c
      (then (drop (call $add_value (i32.const 0) (i32.const 16) (i32.const 11) (i32.const 32) (i32.const 4)))))
    (if (i32.eq (global.get $mode) (i32.const 110)) ;; n
      (then (drop (call $add_value (i32.const 0) (i32.const 16) (i32.const 11) (i32.const 40) (i32.const 3)))))
    (if (i32.eq (global.get $mode) (i32.const 115)) ;; s
      (then (drop (call $add_value (i32.const 0) (i32.const 16) (i32.const 12) (i32.const 48) (i32.const 4)))))
    (if (i32.eq (global.get $mode) (i32.const 102)) ;; f
      (then
        (drop (call $replace_value (i32.const 0) (i32.const 16) (i32.const 11) (i32.const 32) (i32.const 4)))
        (drop (call $replace_value (i32.const 0) (i32.const 16) (i32.const 11) (i32.const 48) (i32.const 4)))))
    (if (i32.eq (global.get $mode) (i32.const 112)) ;; p
      (then (drop (call $set_pairs (i32.const 0) (i32.const 128) (i32.const 29)))))
    (i32.const 0))
  (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32)
    (if (i32.eq (global.get $mode) (i32.const 114)) ;; r
      (then (drop (call $add_value (i32.const 2) (i32.const 64) (i32.const 5) (i32.const 80) (i32.const 3)))))
    (i32.const 0))
)
