"""The metrology network: laboratories and their capabilities (CMCs), the equipment register,
calibrations with traceability to the SI, certificates (PDF and DCC), comparisons and procedures."""
