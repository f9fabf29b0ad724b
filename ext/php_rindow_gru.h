/* rindow_gru: Rindow's GRU layer as a native PHP extension. */
#ifndef PHP_RINDOW_GRU_H
#define PHP_RINDOW_GRU_H

extern zend_module_entry rindow_gru_module_entry;
#define phpext_rindow_gru_ptr &rindow_gru_module_entry

#define PHP_RINDOW_GRU_VERSION "0.1.0"

#if defined(ZTS) && defined(COMPILE_DL_RINDOW_GRU)
ZEND_TSRMLS_CACHE_EXTERN()
#endif

#endif /* PHP_RINDOW_GRU_H */
