// A node10-resolution consumer (main/types, typesVersions for the subpaths).
import { BackendMessageDecoder, Query } from 'pgcodec';
import { ScramClient } from 'pgcodec/auth';
import { DataRow } from 'pgcodec/messages';

export const decoder = new BackendMessageDecoder();
export const q = new Query({ queryString: 'x' });
export const client = new ScramClient({ password: 'x' });
export const row = new DataRow({ columns: ['1'] });
