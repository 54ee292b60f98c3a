{{ partial_update('youtube', 'attributes') }}
