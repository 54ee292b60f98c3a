{{ partial_update('instagram', 'attributes') }}
