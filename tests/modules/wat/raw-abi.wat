;; A Proxy-Wasm module written against the raw ABI 0.2.0, with no SDK: a bump allocator for the
;; memory handshake, header-map pairs parsed by hand, and status codes returned as numbers.
;; On request headers it writes x-raw-count (the number of header pairs the host serialized,
;; as decimal), x-raw-first-name (the first pair's name) and x-raw-missing (the status the host
;; gave for an absent header). A request header x-raw-mode: stop makes it return StopIteration (1);
;; its body callback then sets x-raw-body: seen at end of stream and continues, and buffers before.
(module
  (import "env" "proxy_get_header_map_pairs" (func $get_pairs (param i32 i32 i32) (result i32)))
  (import "env" "proxy_get_header_map_value" (func $get_value (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_add_header_map_value" (func $add_value (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_replace_header_map_value" (func $replace_value (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
  (memory (export "memory") 2)

  ;; Constant strings.
  (data (i32.const 16) "x-raw-count")       ;; 11 bytes
  (data (i32.const 32) "x-raw-mode")        ;; 10
  (data (i32.const 48) "stop")              ;; 4
  (data (i32.const 64) "x-raw-missing")     ;; 13
  (data (i32.const 80) "x-no-such-header")  ;; 16
  (data (i32.const 112) "x-raw-body")       ;; 10
  (data (i32.const 128) "seen")             ;; 4
  (data (i32.const 144) "x-raw-first-name") ;; 16
  (data (i32.const 176) "raw module configured") ;; 21

  ;; Out-parameters at 512/516; decimal scratch at 600; bump heap from 4096.
  (global $heap (mut i32) (i32.const 4096))

  (func (export "proxy_abi_version_0_2_0"))

  (func (export "proxy_on_memory_allocate") (param $size i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (i32.and (i32.add (local.get $size) (i32.const 7)) (i32.const -8))))
    ;; Grow when the bump pointer passes the end of memory.
    (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
      (then (drop (memory.grow (i32.add (i32.div_u (local.get $size) (i32.const 65536)) (i32.const 1))))))
    (local.get $ptr))

  (func (export "proxy_on_context_create") (param i32 i32))

  (func (export "proxy_on_configure") (param i32 i32) (result i32)
    (drop (call $log (i32.const 2) (i32.const 176) (i32.const 21)))
    (i32.const 1))

  ;; Writes n in decimal at 600 and returns its length.
  (func $decimal (param $n i32) (result i32)
    (local $len i32) (local $i i32) (local $tmp i32)
    (if (i32.eqz (local.get $n)) (then (i32.store8 (i32.const 600) (i32.const 48)) (return (i32.const 1))))
    (local.set $tmp (local.get $n))
    (block $done (loop $count
      (br_if $done (i32.eqz (local.get $tmp)))
      (local.set $len (i32.add (local.get $len) (i32.const 1)))
      (local.set $tmp (i32.div_u (local.get $tmp) (i32.const 10)))
      (br $count)))
    (local.set $i (local.get $len))
    (block $done2 (loop $write
      (br_if $done2 (i32.eqz (local.get $n)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (i32.store8 (i32.add (i32.const 600) (local.get $i)) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br $write)))
    (local.get $len))

  (func (export "proxy_on_request_headers") (param $ctx i32) (param $count i32) (param $eos i32) (result i32)
    (local $pairs i32) (local $len i32) (local $status i32)
    ;; Pairs: u32 count, then (u32 nameLen, u32 valueLen) per pair, then name\0value\0 ...
    (drop (call $get_pairs (i32.const 0) (i32.const 512) (i32.const 516)))
    (local.set $pairs (i32.load (i32.const 512)))
    (local.set $len (call $decimal (i32.load (local.get $pairs))))
    (drop (call $add_value (i32.const 0) (i32.const 16) (i32.const 11) (i32.const 600) (local.get $len)))
    ;; The first name starts right after the size table: pairs + 4 + count * 8.
    (drop (call $add_value (i32.const 0) (i32.const 144) (i32.const 16)
      (i32.add (local.get $pairs) (i32.add (i32.const 4) (i32.mul (i32.load (local.get $pairs)) (i32.const 8))))
      (i32.load (i32.add (local.get $pairs) (i32.const 4)))))
    ;; An absent header: the host's status code, in decimal.
    (local.set $status (call $get_value (i32.const 0) (i32.const 80) (i32.const 16) (i32.const 520) (i32.const 524)))
    (local.set $len (call $decimal (local.get $status)))
    (drop (call $add_value (i32.const 0) (i32.const 64) (i32.const 13) (i32.const 600) (local.get $len)))
    ;; x-raw-mode: stop → StopIteration.
    (if (i32.eqz (call $get_value (i32.const 0) (i32.const 32) (i32.const 10) (i32.const 520) (i32.const 524)))
      (then
        (if (i32.and (i32.eq (i32.load (i32.const 524)) (i32.const 4))
                     (i32.eq (i32.load (i32.load (i32.const 520))) (i32.load (i32.const 48))))
          (then (return (i32.const 1))))))
    (i32.const 0))

  (func (export "proxy_on_request_body") (param $ctx i32) (param $size i32) (param $eos i32) (result i32)
    (if (local.get $eos)
      (then
        (drop (call $replace_value (i32.const 0) (i32.const 112) (i32.const 10) (i32.const 128) (i32.const 4)))
        (return (i32.const 0))))
    (i32.const 1))
)
