;; Reads the property whose path is in request header x-prop, segments separated by "|" (a header
;; value cannot hold the NUL the ABI separates them with: the probe swaps them), and reports what the host
;; answered: x-prop-status (the WasmResult, in decimal) and x-prop-hex (the bytes, in hex).
;; With x-set-prop: <name>=<value> it first calls proxy_set_property(name, value).
(module
  (import "env" "proxy_get_header_map_value" (func $get_value (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_add_header_map_value" (func $add_value (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_get_property" (func $get_property (param i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_set_property" (func $set_property (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 16) "x-prop")          ;; 6
  (data (i32.const 32) "x-prop-status")   ;; 13
  (data (i32.const 48) "x-prop-hex")      ;; 10
  (data (i32.const 64) "x-set-prop")      ;; 10
  (data (i32.const 80) "0123456789abcdef")
  (global $heap (mut i32) (i32.const 65536))
  (func (export "proxy_abi_version_0_2_1"))
  ;; Resets to a fixed arena per request: the probe keeps nothing between calls.
  (func (export "proxy_on_memory_allocate") (param $size i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (i32.and (i32.add (local.get $size) (i32.const 7)) (i32.const -8))))
    (if (i32.gt_u (global.get $heap) (i32.const 131072)) (then (global.set $heap (i32.const 65536)) (local.set $p (i32.const 65536))
      (global.set $heap (i32.add (i32.const 65536) (i32.and (i32.add (local.get $size) (i32.const 7)) (i32.const -8))))))
    (local.get $p))
  (func (export "proxy_on_context_create") (param i32 i32))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
    (local $status i32) (local $ptr i32) (local $len i32) (local $i i32) (local $b i32) (local $eq i32)
    ;; x-set-prop: name=value
    (if (i32.eqz (call $get_value (i32.const 0) (i32.const 64) (i32.const 10) (i32.const 512) (i32.const 516)))
      (then
        (local.set $ptr (i32.load (i32.const 512)))
        (local.set $len (i32.load (i32.const 516)))
        (block $found (loop $scan
          (br_if $found (i32.ge_u (local.get $eq) (local.get $len)))
          (br_if $found (i32.eq (i32.load8_u (i32.add (local.get $ptr) (local.get $eq))) (i32.const 61)))
          (local.set $eq (i32.add (local.get $eq) (i32.const 1)))
          (br $scan)))
        (drop (call $set_property (local.get $ptr) (local.get $eq)
          (i32.add (local.get $ptr) (i32.add (local.get $eq) (i32.const 1)))
          (i32.sub (local.get $len) (i32.add (local.get $eq) (i32.const 1)))))))
    (if (i32.ne (call $get_value (i32.const 0) (i32.const 16) (i32.const 6) (i32.const 512) (i32.const 516)) (i32.const 0))
      (then (return (i32.const 0))))
    (local.set $ptr (i32.load (i32.const 512)))
    (local.set $len (i32.load (i32.const 516)))
    (local.set $i (i32.const 0))
    (block $swapped (loop $swap
      (br_if $swapped (i32.ge_u (local.get $i) (local.get $len)))
      (if (i32.eq (i32.load8_u (i32.add (local.get $ptr) (local.get $i))) (i32.const 124))
        (then (i32.store8 (i32.add (local.get $ptr) (local.get $i)) (i32.const 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $swap)))
    (i32.store (i32.const 520) (i32.const 0))
    (i32.store (i32.const 524) (i32.const 0))
    (local.set $status (call $get_property (i32.load (i32.const 512)) (i32.load (i32.const 516)) (i32.const 520) (i32.const 524)))
    ;; Status as one or two decimal digits.
    (if (i32.lt_u (local.get $status) (i32.const 10))
      (then (i32.store8 (i32.const 600) (i32.add (i32.const 48) (local.get $status)))
            (drop (call $add_value (i32.const 0) (i32.const 32) (i32.const 13) (i32.const 600) (i32.const 1))))
      (else (i32.store8 (i32.const 600) (i32.const 49))
            (i32.store8 (i32.const 601) (i32.add (i32.const 48) (i32.sub (local.get $status) (i32.const 10))))
            (drop (call $add_value (i32.const 0) (i32.const 32) (i32.const 13) (i32.const 600) (i32.const 2)))))
    ;; Value as hex, at 4096.
    (local.set $ptr (i32.load (i32.const 520)))
    (local.set $len (i32.load (i32.const 524)))
    (local.set $i (i32.const 0))
    (block $done (loop $hex
      (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
      (local.set $b (i32.load8_u (i32.add (local.get $ptr) (local.get $i))))
      (i32.store8 (i32.add (i32.const 4096) (i32.shl (local.get $i) (i32.const 1))) (i32.load8_u (i32.add (i32.const 80) (i32.shr_u (local.get $b) (i32.const 4)))))
      (i32.store8 (i32.add (i32.const 4097) (i32.shl (local.get $i) (i32.const 1))) (i32.load8_u (i32.add (i32.const 80) (i32.and (local.get $b) (i32.const 15)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $hex)))
    (drop (call $add_value (i32.const 0) (i32.const 48) (i32.const 10) (i32.const 4096) (i32.shl (local.get $len) (i32.const 1))))
    (i32.const 0))
)
