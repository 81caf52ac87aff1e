// The host functions of Proxy-Wasm ABI 0.2.1 that the runtime uses (proxy-wasm spec,
// abi-versions/v0.2.1). Only what is called is imported: asc drops unused declarations.

@external("env", "proxy_log")
export declare function proxy_log(level: u32, messagePtr: usize, messageSize: usize): u32;


@external("env", "proxy_get_log_level")
export declare function proxy_get_log_level(levelOut: usize): u32;


@external("env", "proxy_get_header_map_value")
export declare function proxy_get_header_map_value(
  mapType: u32,
  keyPtr: usize,
  keySize: usize,
  valuePtrOut: usize,
  valueSizeOut: usize,
): u32;


@external("env", "proxy_add_header_map_value")
export declare function proxy_add_header_map_value(
  mapType: u32,
  keyPtr: usize,
  keySize: usize,
  valuePtr: usize,
  valueSize: usize,
): u32;


@external("env", "proxy_replace_header_map_value")
export declare function proxy_replace_header_map_value(
  mapType: u32,
  keyPtr: usize,
  keySize: usize,
  valuePtr: usize,
  valueSize: usize,
): u32;


@external("env", "proxy_remove_header_map_value")
export declare function proxy_remove_header_map_value(mapType: u32, keyPtr: usize, keySize: usize): u32;


@external("env", "proxy_get_header_map_pairs")
export declare function proxy_get_header_map_pairs(mapType: u32, pairsPtrOut: usize, pairsSizeOut: usize): u32;


@external("env", "proxy_set_header_map_pairs")
export declare function proxy_set_header_map_pairs(mapType: u32, pairsPtr: usize, pairsSize: usize): u32;


@external("env", "proxy_get_header_map_size")
export declare function proxy_get_header_map_size(mapType: u32, sizeOut: usize): u32;


@external("env", "proxy_get_buffer_bytes")
export declare function proxy_get_buffer_bytes(
  bufferType: u32,
  start: u32,
  maxSize: u32,
  dataPtrOut: usize,
  dataSizeOut: usize,
): u32;


@external("env", "proxy_get_buffer_status")
export declare function proxy_get_buffer_status(bufferType: u32, lengthOut: usize, flagsOut: usize): u32;


@external("env", "proxy_set_buffer_bytes")
export declare function proxy_set_buffer_bytes(
  bufferType: u32,
  start: u32,
  size: u32,
  dataPtr: usize,
  dataSize: usize,
): u32;


@external("env", "proxy_get_property")
export declare function proxy_get_property(
  pathPtr: usize,
  pathSize: usize,
  valuePtrOut: usize,
  valueSizeOut: usize,
): u32;


@external("env", "proxy_set_property")
export declare function proxy_set_property(pathPtr: usize, pathSize: usize, valuePtr: usize, valueSize: usize): u32;


@external("env", "proxy_send_local_response")
export declare function proxy_send_local_response(
  statusCode: u32,
  detailsPtr: usize,
  detailsSize: usize,
  bodyPtr: usize,
  bodySize: usize,
  headersPtr: usize,
  headersSize: usize,
  grpcStatus: i32,
): u32;


@external("env", "proxy_continue_stream")
export declare function proxy_continue_stream(streamType: u32): u32;


@external("env", "proxy_close_stream")
export declare function proxy_close_stream(streamType: u32): u32;


@external("env", "proxy_get_current_time_nanoseconds")
export declare function proxy_get_current_time_nanoseconds(timeOut: usize): u32;


@external("env", "proxy_define_metric")
export declare function proxy_define_metric(metricType: u32, namePtr: usize, nameSize: usize, idOut: usize): u32;


@external("env", "proxy_increment_metric")
export declare function proxy_increment_metric(metricId: u32, delta: i64): u32;


@external("env", "proxy_record_metric")
export declare function proxy_record_metric(metricId: u32, value: u64): u32;


@external("env", "proxy_get_metric")
export declare function proxy_get_metric(metricId: u32, valueOut: usize): u32;
