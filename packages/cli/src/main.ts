console.log('elfbox');
